# Rendered by kafkasim with: gnuplot lag_spread.gp   (reads lag_spread.dat, writes lag_spread.svg)
reset
set terminal svg size 960,442 font "Helvetica,12" background rgb "white"
set output "lag_spread.svg"
set encoding utf8
set border lc rgb "#555555"
set grid lc rgb "#dddddd" lw 1
set key outside right top box lc rgb "#cccccc"
set title "Consumer lag over seeds: largest sample (red) and time-averaged (blue), committed offsets"
set key top left
set style fill solid 0.35 border -1
set boxwidth 0.3
set yrange [0:*]
set ylabel "records behind the high watermark"
set xtics noenhanced
set grid ytics
set xrange [-0.6:11.6]
set xtics rotate by 90 right font ",10"
set bmargin 3
plot "lag_spread.dat" using ($1-0.17):4:3:7:6:xtic(2) with candlesticks whiskerbars 0.5 lc rgb "#d62728" title "largest lag sample", \
     "" using ($1-0.17):5:5:5:5 with candlesticks lc rgb "#d62728" lw 2 notitle, \
     "" using ($1+0.17):9:8:12:11 with candlesticks whiskerbars 0.5 lc rgb "#1f77b4" title "time-averaged lag", \
     "" using ($1+0.17):10:10:10:10 with candlesticks lc rgb "#1f77b4" lw 2 notitle
# Where this panel's axes lie, for the page's cursor and hover values (lag_spread.frame).
if (exists("GPVAL_TERM_SCALE")) {
    set print "lag_spread.frame"
    print sprintf("%.8g %.8g %.8g %.8g %.6f %.6f %.6f %.6f", GPVAL_X_MIN, GPVAL_X_MAX, GPVAL_Y_MIN, GPVAL_Y_MAX, \
        GPVAL_TERM_XMIN * GPVAL_TERM_SCALE / GPVAL_TERM_XSIZE, GPVAL_TERM_XMAX * GPVAL_TERM_SCALE / GPVAL_TERM_XSIZE, \
        GPVAL_TERM_YMIN * GPVAL_TERM_SCALE / GPVAL_TERM_YSIZE, GPVAL_TERM_YMAX * GPVAL_TERM_SCALE / GPVAL_TERM_YSIZE)
    unset print
}
