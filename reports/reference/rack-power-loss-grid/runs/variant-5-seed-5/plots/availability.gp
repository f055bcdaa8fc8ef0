# Rendered by kafkasim with: gnuplot availability.gp   (reads availability.dat, writes availability.svg)
reset
set terminal svg size 960,600 font "Helvetica,12" background rgb "white"
set output "availability.svg"
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
set label "power loss rack a" at 20, graph 0.96 offset 0.3,0 noenhanced font ",9" tc rgb "#8e2a20"
# Events of the timeline: ticks at the bottom, labels where they fit, on white to stay legible.
set style textbox opaque noborder margins 0.5,0.5
set arrow from 28.9, graph 0 to 28.9, graph 0.05 nohead lw 2.5 lc rgb "#8c564b" front
set label "fenced 1,2" at 28.9, graph 0.07 left offset 0.3,0 noenhanced font ",8" tc rgb "#8c564b" front boxed
set arrow from 28.9, graph 0 to 28.9, graph 0.05 nohead lw 2.5 lc rgb "#1f77b4" front
set label "2 elected" at 28.9, graph 0.125 left offset 0.3,0 noenhanced font ",8" tc rgb "#1f77b4" front boxed
set multiplot layout 2,1
set title "ISR size per partition (lines offset slightly to stay apart)" noenhanced
set ylabel "replicas in sync"
set yrange [0:2.6]
set ytics 1
unset xlabel
plot "availability.dat" using 1:($8+(-0.09)) with steps lw 1.5 title "orders-0" noenhanced, \
     "availability.dat" using 1:($9+(-0.054)) with steps lw 1.5 title "orders-1" noenhanced, \
     "availability.dat" using 1:($10+(-0.018)) with steps lw 1.5 title "orders-2" noenhanced, \
     "availability.dat" using 1:($11+(0.018)) with steps lw 1.5 title "orders-3" noenhanced, \
     "availability.dat" using 1:($12+(0.054)) with steps lw 1.5 title "orders-4" noenhanced, \
     "availability.dat" using 1:($13+(0.09)) with steps lw 1.5 title "orders-5" noenhanced
# Where this panel's axes lie, for the page's cursor and hover values (availability.frame).
if (exists("GPVAL_TERM_SCALE")) {
    set print "availability.frame"
    print sprintf("%.8g %.8g %.8g %.8g %.6f %.6f %.6f %.6f", GPVAL_X_MIN, GPVAL_X_MAX, GPVAL_Y_MIN, GPVAL_Y_MAX, \
        GPVAL_TERM_XMIN * GPVAL_TERM_SCALE / GPVAL_TERM_XSIZE, GPVAL_TERM_XMAX * GPVAL_TERM_SCALE / GPVAL_TERM_XSIZE, \
        GPVAL_TERM_YMIN * GPVAL_TERM_SCALE / GPVAL_TERM_YSIZE, GPVAL_TERM_YMAX * GPVAL_TERM_SCALE / GPVAL_TERM_YSIZE)
    unset print
}
unset label
unset title
set xlabel "seconds since warm-up"
set title "Partitions under-replicated, under min ISR, offline (brokers' gauges); write- / read-unavailable (clients' view)"
set ylabel "partitions"
set yrange [0:5]
set ytics 1
plot "availability.dat" using 1:4 with steps lw 2 lc rgb "#e69f00" title "UnderReplicatedPartitions", \
     "" using 1:5 with steps lw 1.5 dt 2 lc rgb "#0072b2" title "UnderMinIsrPartitionCount", \
     "" using 1:3 with steps lw 2.5 lc rgb "#d62728" title "OfflinePartitionsCount", \
     "" using 1:6 with steps lw 2 dt 4 lc rgb "#7b3294" title "WriteUnavailablePartitions", \
     "" using 1:7 with steps lw 1.5 dt 3 lc rgb "#008837" title "ReadUnavailablePartitions"
# Where this panel's axes lie, for the page's cursor and hover values (availability.frame).
if (exists("GPVAL_TERM_SCALE")) {
    set print "availability.frame" append
    print sprintf("%.8g %.8g %.8g %.8g %.6f %.6f %.6f %.6f", GPVAL_X_MIN, GPVAL_X_MAX, GPVAL_Y_MIN, GPVAL_Y_MAX, \
        GPVAL_TERM_XMIN * GPVAL_TERM_SCALE / GPVAL_TERM_XSIZE, GPVAL_TERM_XMAX * GPVAL_TERM_SCALE / GPVAL_TERM_XSIZE, \
        GPVAL_TERM_YMIN * GPVAL_TERM_SCALE / GPVAL_TERM_YSIZE, GPVAL_TERM_YMAX * GPVAL_TERM_SCALE / GPVAL_TERM_YSIZE)
    unset print
}
unset multiplot
