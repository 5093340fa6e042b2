# Who pays: the kernel phases of the median traced event of each point
# (attribution pass: function_graph on one extra repeat), stacked.
# One row per point and event kind, the phases in the order of
# enum sf_phase (lib/results/sf_attrib_map.h), in us:
#   case  VMA-lock  VMA-lock-retry  mmap_lock  lock-wait  fs-fault-handler
#         invalidate-lock  time-update  journal-handle  DAX-fault  block-map-lookup
#         allocation  zeroing  DAX-entry-wait  DAX-entry  page-table-insert
#         MAP_SYNC-finish  fsync  writeback  journal-commit  other
# Locks in greys, the DAX core in purples, the block map in blues, the
# journal and syncing in oranges.
load gpdir."/common.gp"
set ylabel "time in the median traced event (us)"
set yrange [0:*]
set style data histogram
set style histogram rowstacked gap 1
set style fill solid 0.85 border -1
set boxwidth 0.7
set xtics rotate by 20 right scale 0
eval keycmd("outside right top")	# beside the bars: a tall first bar ran under the legend
plot data using 2:xtic(1) title "VMA lock" lc rgb "#bdbdbd", \
     '' using 3 title "VMA-lock retry" lc rgb "#737373", \
     '' using 4 title "mmap_lock" lc rgb "#969696", \
     '' using 5 title "lock wait" lc rgb "#252525", \
     '' using 6 title "fs fault handler" lc rgb "#c7e9c0", \
     '' using 7 title "invalidate lock" lc rgb "#d9d9d9", \
     '' using 8 title "time update" lc rgb "#a1d99b", \
     '' using 9 title "journal handle" lc rgb "#ffeda0", \
     '' using 10 title "DAX fault" lc rgb "#dadaeb", \
     '' using 11 title "block-map lookup" lc rgb "#c6dbef", \
     '' using 12 title "allocation" lc rgb "#3182bd", \
     '' using 13 title "zeroing" lc rgb "#9ecae1", \
     '' using 14 title "DAX entry wait" lc rgb "#54278f", \
     '' using 15 title "DAX entry" lc rgb "#9e9ac8", \
     '' using 16 title "page-table insert" lc rgb "#756bb1", \
     '' using 17 title "MAP_SYNC finish" lc rgb "#fdd0a2", \
     '' using 18 title "fsync" lc rgb "#fd8d3c", \
     '' using 19 title "writeback" lc rgb "#fdae6b", \
     '' using 20 title "journal commit" lc rgb "#e6550d", \
     '' using 21 title "other" lc rgb "#f0f0f0"
