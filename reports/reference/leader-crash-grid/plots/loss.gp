# Rendered by kafkasim with: gnuplot loss.gp   (reads loss.dat, writes loss.svg)
reset
set terminal svg size 960,660 font "Helvetica,12" background rgb "white"
set output "loss.svg"
set encoding utf8
set border lc rgb "#555555"
set grid lc rgb "#dddddd" lw 1
set key outside right top box lc rgb "#cccccc"
set title "P(any acknowledged record lost) per variant, with 95% Wilson intervals"
unset key
set style fill solid 0.55 border -1
set boxwidth 0.6
set yrange [0:1.05]
set ylabel "probability over seeds"
set xtics noenhanced
set grid noxtics
set xrange [-0.6:11.6]
set xtics rotate by 90 right font ",10"
set bmargin 20
plot "loss.dat" using 1:3:xtic(2) with boxes lc rgb "#d62728", \
     "" using 1:3:4:5 with yerrorbars lc rgb "#222222" lw 1.5 pt 7 ps 0.6, \
     "" using 1:5:(sprintf("%.0f/%.0f",$7,$6)) with labels offset 0,0.8 font ",10"
