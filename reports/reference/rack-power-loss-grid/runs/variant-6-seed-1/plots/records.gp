# Rendered by kafkasim with: gnuplot records.gp   (reads records.dat, writes records.svg)
reset
set terminal svg size 960,360 font "Helvetica,12" background rgb "white"
set output "records.svg"
set encoding utf8
set border lc rgb "#555555"
set grid lc rgb "#dddddd" lw 1
set key outside right top box lc rgb "#cccccc"
set title "Records: sent, acknowledged, acknowledged but lost, failed, duplicated (log scale)"
unset key
set style fill solid 0.85 border -1
set boxwidth 0.6
set logscale y
set yrange [0.8:241440]
set ylabel "records"
set xtics noenhanced
set xrange [-0.6:4.6]
set grid noxtics
plot "records.dat" using 1:(($3>0)?$3:NaN):4:xtic(2) with boxes lc rgb variable, \
     "" using 1:(($3>0)?$3:1):(sprintf("%.0f",$3)) with labels offset 0,0.9 font ",11"
# Where this panel's axes lie, for the page's cursor and hover values (records.frame).
if (exists("GPVAL_TERM_SCALE")) {
    set print "records.frame"
    print sprintf("%.8g %.8g %.8g %.8g %.6f %.6f %.6f %.6f", GPVAL_X_MIN, GPVAL_X_MAX, GPVAL_Y_MIN, GPVAL_Y_MAX, \
        GPVAL_TERM_XMIN * GPVAL_TERM_SCALE / GPVAL_TERM_XSIZE, GPVAL_TERM_XMAX * GPVAL_TERM_SCALE / GPVAL_TERM_XSIZE, \
        GPVAL_TERM_YMIN * GPVAL_TERM_SCALE / GPVAL_TERM_YSIZE, GPVAL_TERM_YMAX * GPVAL_TERM_SCALE / GPVAL_TERM_YSIZE)
    unset print
}
