# Rendered by kafkasim with: gnuplot lag.gp   (reads lag.dat, writes lag.svg)
reset
set terminal svg size 960,380 font "Helvetica,12" background rgb "white"
set output "lag.svg"
set encoding utf8
set border lc rgb "#555555"
set grid lc rgb "#dddddd" lw 1
set key outside right top box lc rgb "#cccccc"
set xlabel "seconds since warm-up"
set xrange [0:60.5]
set lmargin at screen 0.1
set rmargin at screen 0.76
# Fault windows (from the scenario's fault schedule) and the heal phase.
set object 1 rect from 60, graph 0 to graph 1, graph 1 behind fc rgb "#e8e8e8" fs solid 1.0 noborder
set object 2 rect from 20, graph 0 to 40, graph 1 behind fc rgb "#f4c7c3" fs transparent solid 0.45 noborder
set label "crash broker 1" at 20, graph 0.96 offset 0.3,0 noenhanced font ",9" tc rgb "#8e2a20"
# Events of the timeline: ticks at the bottom, labels where they fit, on white to stay legible.
set style textbox opaque noborder margins 0.5,0.5
set arrow from 0.039681792, graph 0 to 0.039681792, graph 0.05 nohead lw 2.5 lc rgb "#2ca02c" front
set label "rebalance billing" at 0.039681792, graph 0.07 left offset 0.3,0 noenhanced font ",8" tc rgb "#2ca02c" front boxed
set arrow from 12, graph 0 to 12, graph 0.05 nohead lw 2.5 lc rgb "#e67e00" front
set label "Burrow billing OK" at 12, graph 0.07 left offset 0.3,0 noenhanced font ",8" tc rgb "#e67e00" front boxed
set arrow from 28.93187378, graph 0 to 28.93187378, graph 0.05 nohead lw 2.5 lc rgb "#9467bd" front
set label "truncated 1 (b3)" at 28.93187378, graph 0.07 left offset 0.3,0 noenhanced font ",8" tc rgb "#9467bd" front boxed
set arrow from 40.125113, graph 0 to 40.125113, graph 0.05 nohead lw 2.5 lc rgb "#9467bd" front
set label "truncated 1 (b1)" at 40.125113, graph 0.07 left offset 0.3,0 noenhanced font ",8" tc rgb "#9467bd" front boxed
set key below
set title "Consumer lag: records behind the high watermark, per group from committed offsets (thick) and from the members' positions (dashed), per partition from committed offsets (thin)"
set ylabel "records"
set yrange [0:*]
plot "lag.dat" using 1:2 with lines lw 2.5 title "billing (committed)" noenhanced, \
     "lag.dat" using 1:3 with lines lw 2.5 dt 2 title "billing (position)" noenhanced, \
     "lag.dat" using 1:4 with lines lw 1 title "billing orders-0" noenhanced, \
     "lag.dat" using 1:5 with lines lw 1 title "billing orders-1" noenhanced, \
     "lag.dat" using 1:6 with lines lw 1 title "billing orders-2" noenhanced, \
     "lag.dat" using 1:7 with lines lw 1 title "billing orders-3" noenhanced, \
     "lag.dat" using 1:8 with lines lw 1 title "billing orders-4" noenhanced, \
     "lag.dat" using 1:9 with lines lw 1 title "billing orders-5" noenhanced
# Where this panel's axes lie, for the page's cursor and hover values (lag.frame).
if (exists("GPVAL_TERM_SCALE")) {
    set print "lag.frame"
    print sprintf("%.8g %.8g %.8g %.8g %.6f %.6f %.6f %.6f", GPVAL_X_MIN, GPVAL_X_MAX, GPVAL_Y_MIN, GPVAL_Y_MAX, \
        GPVAL_TERM_XMIN * GPVAL_TERM_SCALE / GPVAL_TERM_XSIZE, GPVAL_TERM_XMAX * GPVAL_TERM_SCALE / GPVAL_TERM_XSIZE, \
        GPVAL_TERM_YMIN * GPVAL_TERM_SCALE / GPVAL_TERM_YSIZE, GPVAL_TERM_YMAX * GPVAL_TERM_SCALE / GPVAL_TERM_YSIZE)
    unset print
}
