# made by bench/workers-report from results.csv
set xlabel 'pktlua --workers'
set ylabel 'Mpackets/s (median wall time)'
set xtics (1, 2, 4)
set xrange [0.8:4.2]
set yrange [0:*]
set key top left font ',9'
set grid ytics
do for [t in 'svg png'] {
  if (t eq 'svg') { set terminal svg size 1260,440 dynamic font 'sans,11'; set output 'workers.svg' }
  if (t eq 'png') { set terminal pngcairo size 1260,440 font 'sans,10'; set output 'workers.png' }
  set multiplot layout 1,3 title 'pktlua packets/s against --workers (2 cores, loaded: see results.md)'
  set title 'udp64'
  plot 'workers.dat' index 0 using 1:2 with linespoints lw 2 title 'copy', \
       'workers.dat' index 1 using 1:2 with linespoints lw 2 title 'empty', \
       'workers.dat' index 2 using 1:2 with linespoints lw 2 title 'filter', \
       'workers.dat' index 3 using 1:2 with linespoints lw 2 title 'ttl', \
       'workers.dat' index 4 using 1:2 with linespoints lw 2 title 'nat', \
      2.1261 with lines dt 2 lc rgb 'gray40' title 'tcprewrite --ttl=-1', \
       12.3790 with lines dt 3 lc rgb 'gray60' title "tcpdump 'udp port 53'"
  set title 'mixed'
  plot 'workers.dat' index 5 using 1:2 with linespoints lw 2 title 'copy', \
       'workers.dat' index 6 using 1:2 with linespoints lw 2 title 'empty', \
       'workers.dat' index 7 using 1:2 with linespoints lw 2 title 'filter', \
       'workers.dat' index 8 using 1:2 with linespoints lw 2 title 'ttl', \
       'workers.dat' index 9 using 1:2 with linespoints lw 2 title 'nat', \
      0.5707 with lines dt 2 lc rgb 'gray40' title 'tcprewrite --ttl=-1', \
       3.1539 with lines dt 3 lc rgb 'gray60' title "tcpdump 'udp port 53'"
  set title 'real'
  plot 'workers.dat' index 10 using 1:2 with linespoints lw 2 title 'copy', \
       'workers.dat' index 11 using 1:2 with linespoints lw 2 title 'empty', \
       'workers.dat' index 12 using 1:2 with linespoints lw 2 title 'filter', \
       'workers.dat' index 13 using 1:2 with linespoints lw 2 title 'ttl', \
       'workers.dat' index 14 using 1:2 with linespoints lw 2 title 'nat', \
      1.8041 with lines dt 2 lc rgb 'gray40' title 'tcprewrite --ttl=-1', \
       12.6130 with lines dt 3 lc rgb 'gray60' title "tcpdump 'udp port 53'"
  unset multiplot
}
