# Flush bandwidth versus operation size, one line per primitive (median
# across repeats; threads and fence policy in the series name when they vary).
load gpdir."/common.gp"
if (!exists("logy")) logy = 0
set xlabel "bytes written and made durable per operation (log scale)"
set ylabel "bandwidth (GB/s)"
set logscale x 2
set xtics ("64 B" 64, "256 B" 256, "1 KiB" 1024, "4 KiB" 4096, \
	   "16 KiB" 16384, "64 KiB" 65536, "256 KiB" 262144, "1 MiB" 1048576, \
	   "4 MiB" 4194304, "16 MiB" 16777216, "64 MiB" 67108864, \
	   "256 MiB" 268435456, "1 GiB" 1073741824)
if (exists("xlo") && exists("xhi")) { set xrange [xlo:xhi] }
if (logy) { set logscale y; set ylabel "bandwidth (GB/s, log scale)" }
eval keycmd("top left")
plot for [i=0:n-1] data index i using 1:2 with linespoints lw 2 pt i+4 title columnheader(1)
