# A benchmark's value against one of its parameters, one line per series:
# the generic figure (SF_FIG_LINES) for benchmarks without a script of
# their own.  Besides common.gp's variables: xl, yl (axis labels).
load gpdir."/common.gp"
if (!exists("xl")) xl = ""
if (!exists("yl")) yl = ""
set xlabel xl." (log scale)"
set ylabel yl
set logscale x 2
eval keycmd("top left")
plot for [i=0:n-1] data index i using 1:2 with linespoints lw 2 pt i+4 title columnheader(1)
