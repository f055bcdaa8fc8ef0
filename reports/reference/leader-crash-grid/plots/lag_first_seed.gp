# Rendered by kafkasim with: gnuplot lag_first_seed.gp   (reads lag_first_seed.dat, writes lag_first_seed.svg)
reset
set terminal svg size 960,484 font "Helvetica,12" background rgb "white"
set output "lag_first_seed.svg"
set encoding utf8
set border lc rgb "#555555"
set grid lc rgb "#dddddd" lw 1
set key outside right top box lc rgb "#cccccc"
set title "Consumer lag over time, seed 1: every variant (committed lag, summed over groups; faults shaded)"
set xlabel "seconds since warm-up"
set xrange [0:60.5]
set ylabel "records"
set yrange [0:*]
set key below noenhanced
# Fault windows (from the scenario's fault schedule) and the heal phase.
set object 1 rect from 60, graph 0 to graph 1, graph 1 behind fc rgb "#e8e8e8" fs solid 1.0 noborder
set object 2 rect from 20, graph 0 to 40, graph 1 behind fc rgb "#f4c7c3" fs transparent solid 0.45 noborder
set label "crash broker 1" at 20, graph 0.96 offset 0.3,0 noenhanced font ",9" tc rgb "#8e2a20"
plot "lag_first_seed.dat" using 1:2 with lines lw 2 title "#1 acks=0, min.insync.replicas=1, replication_factor=2", \
     "lag_first_seed.dat" using 1:3 with lines lw 2 title "#2 acks=0, min.insync.replicas=1, replication_factor=3", \
     "lag_first_seed.dat" using 1:4 with lines lw 2 title "#3 acks=0, min.insync.replicas=2, replication_factor=2", \
     "lag_first_seed.dat" using 1:5 with lines lw 2 title "#4 acks=0, min.insync.replicas=2, replication_factor=3", \
     "lag_first_seed.dat" using 1:6 with lines lw 2 title "#5 acks=1, min.insync.replicas=1, replication_factor=2", \
     "lag_first_seed.dat" using 1:7 with lines lw 2 title "#6 acks=1, min.insync.replicas=1, replication_factor=3", \
     "lag_first_seed.dat" using 1:8 with lines lw 2 title "#7 acks=1, min.insync.replicas=2, replication_factor=2", \
     "lag_first_seed.dat" using 1:9 with lines lw 2 title "#8 acks=1, min.insync.replicas=2, replication_factor=3", \
     "lag_first_seed.dat" using 1:10 with lines lw 2 title "#9 acks=all, min.insync.replicas=1, replication_factor=2", \
     "lag_first_seed.dat" using 1:11 with lines lw 2 title "#10 acks=all, min.insync.replicas=1, replication_factor=3", \
     "lag_first_seed.dat" using 1:12 with lines lw 2 title "#11 acks=all, min.insync.replicas=2, replication_factor=2", \
     "lag_first_seed.dat" using 1:13 with lines lw 2 title "#12 acks=all, min.insync.replicas=2, replication_factor=3"
# Where this panel's axes lie, for the page's cursor and hover values (lag_first_seed.frame).
if (exists("GPVAL_TERM_SCALE")) {
    set print "lag_first_seed.frame"
    print sprintf("%.8g %.8g %.8g %.8g %.6f %.6f %.6f %.6f", GPVAL_X_MIN, GPVAL_X_MAX, GPVAL_Y_MIN, GPVAL_Y_MAX, \
        GPVAL_TERM_XMIN * GPVAL_TERM_SCALE / GPVAL_TERM_XSIZE, GPVAL_TERM_XMAX * GPVAL_TERM_SCALE / GPVAL_TERM_XSIZE, \
        GPVAL_TERM_YMIN * GPVAL_TERM_SCALE / GPVAL_TERM_YSIZE, GPVAL_TERM_YMAX * GPVAL_TERM_SCALE / GPVAL_TERM_YSIZE)
    unset print
}
