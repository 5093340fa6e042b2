# Sourced: sides of several rounds made from the stored compare fixtures.
# rounds DIR CLASS FACTOR...: in DIR/round-K, fixtures/compare/base's
# fault.class_CLASS.json with every repeat scaled by the K-th factor;
# rounds_from SRC DIR FACTOR...: the same from any result file.
rounds_from() {	# rounds_from SRC DIR FACTOR...: DIR/round-K/$(basename SRC), every repeat scaled
	local src=$1 dir=$2 i=0
	shift 2
	for f in "$@"; do
		i=$((i + 1))
		mkdir -p "$dir/round-$i"
		python3 - "$src" "$dir/round-$i/$(basename "$src")" "$f" "$i" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for m in r["metrics"]:
    if m.get("repeats"):
        m["repeats"] = [v * float(sys.argv[3]) for v in m["repeats"]]
r["started"] = r["started"][:-3] + "%02dZ" % int(sys.argv[4])
json.dump(r, open(sys.argv[2], "w"))
PY
	done
}

rounds() {	# rounds DIR CLASS FACTOR...: one round per factor, every repeat scaled
	local dir=$1 cls=$2
	shift 2
	rounds_from "${F:?}/base/fault.class_$cls.json" "$dir" "$@"
}
