# Flush bandwidth versus operation size, one line per primitive (median
# across repeats; threads and fence policy in the series name when they vary).
load gpdir."/common.gp"
if (!exists("logy")) logy = 0
set xlabel "bytes written and made durable per operation (log scale)"
set ylabel "bandwidth (GB/s)"
set logscale x 2
set format x "%.0b %BB"
if (logy) { set logscale y; set ylabel "bandwidth (GB/s, log scale)" }
eval "set key top left ".keyopts
plot for [i=0:n-1] data index i using 1:2 with linespoints lw 2 pt i+4 title columnheader(1)
