# Page-fault latency CDF, one line per mode / fault class / page size.
# Derived from the results' log-linear histograms (buckets <= 12.5% wide):
# each step is a bucket's upper bound.
load gpdir."/common.gp"
set xlabel "fault latency (us, log scale)"
set ylabel "fraction of faults at or below"
set logscale x
set yrange [0:1.02]
set ytics 0.1
eval keycmd("bottom right")
plot for [i=0:n-1] data index i using 1:2 with steps lw 2 title columnheader(1)
