# written by bench/lib/report.lua; run in this directory: gnuplot plots.gp
set style data histogram
set style histogram errorbars gap 2 lw 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set grid ytics
set key outside top center horizontal
set yrange [0:*]
set ylabel 'million packets/s (median, bars: min-max)'
set terminal svg size 800,450 dynamic font 'sans,12'
set output 'pps-udp64.svg'
set title 'pktlua vs peer, workload udp64'
plot 'pps-udp64.dat' using 2:3:4:xtic(1) title 'pktlua' lc rgb '#1f77b4', '' using 5:6:7 title 'peer (tcpdump / tcprewrite)' lc rgb '#ff7f0e'
set terminal pngcairo size 800,450 font 'sans,10'
set output 'pps-udp64.png'
set title 'pktlua vs peer, workload udp64'
plot 'pps-udp64.dat' using 2:3:4:xtic(1) title 'pktlua' lc rgb '#1f77b4', '' using 5:6:7 title 'peer (tcpdump / tcprewrite)' lc rgb '#ff7f0e'
set terminal svg size 800,450 dynamic font 'sans,12'
set output 'pps-mixed.svg'
set title 'pktlua vs peer, workload mixed'
plot 'pps-mixed.dat' using 2:3:4:xtic(1) title 'pktlua' lc rgb '#1f77b4', '' using 5:6:7 title 'peer (tcpdump / tcprewrite)' lc rgb '#ff7f0e'
set terminal pngcairo size 800,450 font 'sans,10'
set output 'pps-mixed.png'
set title 'pktlua vs peer, workload mixed'
plot 'pps-mixed.dat' using 2:3:4:xtic(1) title 'pktlua' lc rgb '#1f77b4', '' using 5:6:7 title 'peer (tcpdump / tcprewrite)' lc rgb '#ff7f0e'
set terminal svg size 800,450 dynamic font 'sans,12'
set output 'pps-real.svg'
set title 'pktlua vs peer, workload real'
plot 'pps-real.dat' using 2:3:4:xtic(1) title 'pktlua' lc rgb '#1f77b4', '' using 5:6:7 title 'peer (tcpdump / tcprewrite)' lc rgb '#ff7f0e'
set terminal pngcairo size 800,450 font 'sans,10'
set output 'pps-real.png'
set title 'pktlua vs peer, workload real'
plot 'pps-real.dat' using 2:3:4:xtic(1) title 'pktlua' lc rgb '#1f77b4', '' using 5:6:7 title 'peer (tcpdump / tcprewrite)' lc rgb '#ff7f0e'
set style histogram clustered gap 2
set yrange [0:1.6<*]
set ylabel 'wall time pktlua / peer (median; < 1: pktlua faster)'
set title 'wall-time ratio pktlua / peer; red dashes: the limits of issue 5'
set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead lc rgb 'black' lw 1
set arrow 3 from first 0.55, first 1.3 to first 1.45, first 1.3 nohead front dt 2 lw 2 lc rgb 'red'
set arrow 4 from first 1.55, first 1.5 to first 2.45, first 1.5 nohead front dt 2 lw 2 lc rgb 'red'
set arrow 5 from first 2.55, first 0.5 to first 3.45, first 0.5 nohead front dt 2 lw 2 lc rgb 'red'
set terminal svg size 800,450 dynamic font 'sans,12'
set output 'ratio.svg'
plot 'ratio.dat' using 2:xtic(1) title 'udp64', 'ratio.dat' using 3 title 'mixed', 'ratio.dat' using 4 title 'real'
set terminal pngcairo size 800,450 font 'sans,10'
set output 'ratio.png'
plot 'ratio.dat' using 2:xtic(1) title 'udp64', 'ratio.dat' using 3 title 'mixed', 'ratio.dat' using 4 title 'real'
unset arrow
set yrange [0:*]
set terminal svg size 800,450 dynamic font 'sans,12'
set style histogram errorbars gap 2 lw 1
set output 'handoff-time.svg'
set title 'memory hand-off: C gives a packet to a Lua function'
set ylabel 'ns per hand-off (median, bars: min-max)'
plot 'handoff.dat' using 2:3:4:xtic(1) title '64 bytes', 'handoff.dat' using 7:8:9 title '1500 bytes'
set style histogram clustered gap 2
set output 'handoff-heap.svg'
set title 'memory hand-off: Lua heap per hand-off'
set ylabel 'bytes per hand-off'
set yrange [*:*]
plot 'handoff.dat' using 5:xtic(1) title 'collector off, 64 B (allocated)', 'handoff.dat' using 6 title 'collector on, 64 B (retained)', 'handoff.dat' using 10 title 'collector off, 1500 B (allocated)', 'handoff.dat' using 11 title 'collector on, 1500 B (retained)'
set yrange [0:*]
set terminal pngcairo size 800,450 font 'sans,10'
set style histogram errorbars gap 2 lw 1
set output 'handoff-time.png'
set title 'memory hand-off: C gives a packet to a Lua function'
set ylabel 'ns per hand-off (median, bars: min-max)'
plot 'handoff.dat' using 2:3:4:xtic(1) title '64 bytes', 'handoff.dat' using 7:8:9 title '1500 bytes'
set style histogram clustered gap 2
set output 'handoff-heap.png'
set title 'memory hand-off: Lua heap per hand-off'
set ylabel 'bytes per hand-off'
set yrange [*:*]
plot 'handoff.dat' using 5:xtic(1) title 'collector off, 64 B (allocated)', 'handoff.dat' using 6 title 'collector on, 64 B (retained)', 'handoff.dat' using 10 title 'collector off, 1500 B (allocated)', 'handoff.dat' using 11 title 'collector on, 1500 B (retained)'
set yrange [0:*]
