# Shared set-up for every syncfault figure.  Set by `syncfault report` with
# gnuplot -e: fmt ("png", "svg" or "dumb"), out (output file), ttl (title),
# data (the figure's TSV file, series in blocks separated by two blank lines,
# each block starting with a header line naming the series), n (number of
# series).  Re-run a figure by hand with the same -e variables.
if (!exists("fmt")) fmt = "png"
if (!exists("ttl")) ttl = ""
if (fmt eq "png") {
	set terminal pngcairo size 1100,680 noenhanced font "DejaVu Sans,11" linewidth 1.5
} else {
	if (fmt eq "svg") {
		set terminal svg size 1100,680 noenhanced font "DejaVu Sans,11" linewidth 1.5 background "#ffffff"
	} else {
		set terminal dumb size 79,32 noenhanced
	}
}
set output out
set datafile separator "\t"
set title ttl
# the scripts place the key; in plain text it goes below the plot, where
# it cannot hide a line
if (fmt ne "dumb") {
	set grid xtics ytics mxtics mytics lc rgb "#dddddd"
}
keycmd(pos) = "set key ".((fmt eq "dumb") ? "below Left reverse nobox" : pos." box opaque Left reverse width 1 samplen 3")
