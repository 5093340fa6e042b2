# Who pays: the kernel phases of the median traced event of each point
# (attribution pass: function_graph on one extra repeat), stacked.
# One row per point and event kind:
#   case  mmap_lock-wait  allocation  zeroing  time-update  journal-handle
#         journal-commit  writeback  page-table-insert  other   (us)
load gpdir."/common.gp"
set ylabel "time in the median traced event (us)"
set yrange [0:*]
set style data histogram
set style histogram rowstacked gap 1
set style fill solid 0.85 border -1
set boxwidth 0.7
set xtics rotate by 20 right scale 0
eval keycmd("outside right top")	# beside the bars: a tall first bar ran under the legend
plot data using 2:xtic(1) title "mmap_lock wait" lc rgb "#969696", \
     '' using 3 title "allocation" lc rgb "#3182bd", \
     '' using 4 title "zeroing" lc rgb "#9ecae1", \
     '' using 5 title "time update" lc rgb "#a1d99b", \
     '' using 6 title "journal handle" lc rgb "#ffeda0", \
     '' using 7 title "journal commit" lc rgb "#e6550d", \
     '' using 8 title "writeback" lc rgb "#fdae6b", \
     '' using 9 title "page-table insert" lc rgb "#756bb1", \
     '' using 10 title "other" lc rgb "#d9d9d9"
