#!/usr/bin/env bash
# Git merge driver for the catalogues (see .gitattributes): two branches that each added strings keep
# both sets of entries; where both translated the same msgid, ours wins. Run translations/update.sh
# after the merge to drop stale entries and recompile. Enable once per clone:
#   git config merge.po.driver 'translations/merge-po.sh %O %A %B'
set -euo pipefail
ours="$2"; theirs="$3"
msgcat --use-first --no-location --sort-output "$ours" "$theirs" -o "$ours.merged" 2>/dev/null \
  || msgcat --use-first "$ours" "$theirs" -o "$ours.merged"
mv "$ours.merged" "$ours"
