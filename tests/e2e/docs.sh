#!/bin/bash
# The documentation lives in the repository: README.md points to docs/,
# every document docs/README.md lists exists, and no tracked file refers to
# a directory outside the repository (the design notes the project started
# from are not shipped).
. "$(dirname "$0")/../lib/common.sh"

cd "$SRC"
grep -q '(docs/README.md)' README.md || fail "README.md does not point to docs/"
for f in $(grep -o '([a-z-]*\.md)' docs/README.md | tr -d '()'); do
	[ -s "docs/$f" ] || fail "docs/README.md lists $f, which is missing"
done
# the pattern is built so that this file does not match itself
outside='\.\./'"shared"
if [ -d .git ] && command -v git >/dev/null; then
	files=$(git ls-files)
else
	files=$(find . -type f -not -path './build*' -not -path './.git/*')
fi
# shellcheck disable=SC2086 # one word per file name
hits=$(grep -l -- "$outside" $files 2>/dev/null || true)
[ -z "$hits" ] || fail "files refer to a directory outside the repository: $hits"
echo "ok"
