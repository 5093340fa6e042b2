# Time-to-durable per update versus batch size (updates per sync point),
# one line per durability mode (median across repeats).  Break-even points
# (where a batched mode becomes cheaper per update than mapsync) are marked,
# interpolated on log scales between the two measured batch sizes around
# them.  The break-even file has: batch  time  label  label_y.
load gpdir."/common.gp"
if (!exists("nbe")) nbe = 0
set xlabel "updates per sync point (batch size, log scale)"
set ylabel "time to durable per update (us, median, log scale)"
set logscale x 2
set logscale y
eval keycmd("top right")
if (nbe > 0) {
	plot for [i=0:n-1] data index i using 1:2 with linespoints lw 2 pt i+4 title columnheader(1), \
	     be using 1:2 with points pt 6 ps 3 lc rgb "black" title "break-even (interpolated)", \
	     be using 1:4:3 with labels left offset 1,0 notitle
} else {
	plot for [i=0:n-1] data index i using 1:2 with linespoints lw 2 pt i+4 title columnheader(1)
}
