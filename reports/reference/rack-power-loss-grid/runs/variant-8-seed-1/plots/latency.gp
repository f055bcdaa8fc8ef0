# Rendered by kafkasim with: gnuplot latency.gp   (reads latency.dat, writes latency.svg)
reset
set terminal svg size 960,380 font "Helvetica,12" background rgb "white"
set output "latency.svg"
set encoding utf8
set border lc rgb "#555555"
set grid lc rgb "#dddddd" lw 1
set key outside right top box lc rgb "#cccccc"
set xlabel "seconds since warm-up"
set xrange [0:60.5]
set lmargin at screen 0.1
set rmargin at screen 0.9
# Fault windows (from the scenario's fault schedule) and the heal phase.
set object 1 rect from 60, graph 0 to graph 1, graph 1 behind fc rgb "#e8e8e8" fs solid 1.0 noborder
set object 2 rect from 20, graph 0 to 40, graph 1 behind fc rgb "#f4c7c3" fs transparent solid 0.45 noborder
set label "power loss rack a" at 20, graph 0.96 offset 0.3,0 noenhanced font ",9" tc rgb "#8e2a20"
# Events of the timeline: ticks at the bottom, labels where they fit, on white to stay legible.
set style textbox opaque noborder margins 0.5,0.5
set arrow from 28.9, graph 0 to 28.9, graph 0.05 nohead lw 2.5 lc rgb "#8c564b" front
set label "fenced 1,2" at 28.9, graph 0.07 left offset 0.3,0 noenhanced font ",8" tc rgb "#8c564b" front boxed
set arrow from 28.9, graph 0 to 28.9, graph 0.05 nohead lw 2.5 lc rgb "#1f77b4" front
set label "2 elected" at 28.9, graph 0.125 left offset 0.3,0 noenhanced font ",8" tc rgb "#1f77b4" front boxed
set key below
set title "Produce latency p99 per sample interval and acknowledged records per second"
set logscale y
set ylabel "p99 latency (ms)"
set y2label "records acked / s"
set ytics nomirror
set y2tics
set y2range [0:*]
plot "latency.dat" using 1:3 axes x1y2 with steps lw 1 lc rgb "#6baed6" title "acked / s", \
     "" using 1:2 with lines lw 2.5 lc rgb "#d62728" title "produce p99 (ms)"
# Where this panel's axes lie, for the page's cursor and hover values (latency.frame).
if (exists("GPVAL_TERM_SCALE")) {
    set print "latency.frame"
    print sprintf("%.8g %.8g %.8g %.8g %.6f %.6f %.6f %.6f", GPVAL_X_MIN, GPVAL_X_MAX, GPVAL_Y_MIN, GPVAL_Y_MAX, \
        GPVAL_TERM_XMIN * GPVAL_TERM_SCALE / GPVAL_TERM_XSIZE, GPVAL_TERM_XMAX * GPVAL_TERM_SCALE / GPVAL_TERM_XSIZE, \
        GPVAL_TERM_YMIN * GPVAL_TERM_SCALE / GPVAL_TERM_YSIZE, GPVAL_TERM_YMAX * GPVAL_TERM_SCALE / GPVAL_TERM_YSIZE)
    unset print
}
