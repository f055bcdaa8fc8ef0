# Rendered by kafkasim with: gnuplot latency_loss.gp   (reads latency_loss.dat, writes latency_loss.svg)
reset
set terminal svg size 960,440 font "Helvetica,12" background rgb "white"
set output "latency_loss.svg"
set encoding utf8
set border lc rgb "#555555"
set grid lc rgb "#dddddd" lw 1
set key outside right top box lc rgb "#cccccc"
set title "What a setting costs (produce latency) against what it risks (loss probability)"
unset key
set yrange [-0.03:1.08]
set ylabel "P(any acknowledged record lost)"
set xlabel "produce latency p99, mean over seeds (ms)"
set xrange [5661.018553:25653.55445]
plot "latency_loss.dat" using 3:4:5:6 with yerrorbars lc rgb "#1f77b4" lw 1.5 pt 7 ps 1.2, \
     "" using 3:8:2 with labels left offset 1,0.6 font ",9" noenhanced
# Where this panel's axes lie, for the page's cursor and hover values (latency_loss.frame).
if (exists("GPVAL_TERM_SCALE")) {
    set print "latency_loss.frame"
    print sprintf("%.8g %.8g %.8g %.8g %.6f %.6f %.6f %.6f", GPVAL_X_MIN, GPVAL_X_MAX, GPVAL_Y_MIN, GPVAL_Y_MAX, \
        GPVAL_TERM_XMIN * GPVAL_TERM_SCALE / GPVAL_TERM_XSIZE, GPVAL_TERM_XMAX * GPVAL_TERM_SCALE / GPVAL_TERM_XSIZE, \
        GPVAL_TERM_YMIN * GPVAL_TERM_SCALE / GPVAL_TERM_YSIZE, GPVAL_TERM_YMAX * GPVAL_TERM_SCALE / GPVAL_TERM_YSIZE)
    unset print
}
