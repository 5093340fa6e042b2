# syncfault bisect --walk: one watched row against the number of patches of
# a series applied, one point per prefix (patch 0: the base).  The data
# (walk/ROW.tsv): patch number, value, interval low, interval high, the
# patch's label for the axis.  A point is the base's median times the
# change compare found against the base; its bar, that change's 95%
# interval (the base itself has none).  Besides common.gp's variables:
# yl (axis label).
load gpdir."/common.gp"
if (!exists("yl")) yl = ""
set xlabel "patches applied (the x label names the patch that point adds)"
set ylabel yl
set xtics rotate by 30 right scale 0 font ",9"
set offsets 0.5, 0.5, 0, 0
set bmargin 12
set key off
plot data using 1:2:3:4:xtic(5) with yerrorlines lw 2 pt 7 ps 1 lc rgb "#3182bd"
