# Rendered by kafkasim with: gnuplot loss.gp   (reads loss.dat, writes loss.svg)
reset
set terminal svg size 960,398 font "Helvetica,12" background rgb "white"
set output "loss.svg"
set encoding utf8
set border lc rgb "#555555"
set grid lc rgb "#dddddd" lw 1
set key outside right top box lc rgb "#cccccc"
set title "P(any acknowledged record lost) per variant, with 95% Wilson intervals"
unset key
set style fill solid 0.55 border -1
set xrange [0:1.12]
set xlabel "probability over seeds"
set ytics noenhanced font ",10" nomirror
set grid noytics
set yrange [11.6:-0.6]
set lmargin at screen 0.36375
set rmargin at screen 0.97
plot "loss.dat" using ($3/2):1:($3/2):(0.3):ytic(8) with boxxyerror lc rgb "#d62728", \
     "" using 3:1:4:5 with xerrorbars lc rgb "#222222" lw 1.5 pt 7 ps 0.6, \
     "" using 5:1:(sprintf("%.0f/%.0f",$7,$6)) with labels left offset 0.8,0 font ",10"
# Where this panel's axes lie, for the page's cursor and hover values (loss.frame).
if (exists("GPVAL_TERM_SCALE")) {
    set print "loss.frame"
    print sprintf("%.8g %.8g %.8g %.8g %.6f %.6f %.6f %.6f", GPVAL_X_MIN, GPVAL_X_MAX, GPVAL_Y_MIN, GPVAL_Y_MAX, \
        GPVAL_TERM_XMIN * GPVAL_TERM_SCALE / GPVAL_TERM_XSIZE, GPVAL_TERM_XMAX * GPVAL_TERM_SCALE / GPVAL_TERM_XSIZE, \
        GPVAL_TERM_YMIN * GPVAL_TERM_SCALE / GPVAL_TERM_YSIZE, GPVAL_TERM_YMAX * GPVAL_TERM_SCALE / GPVAL_TERM_YSIZE)
    unset print
}
