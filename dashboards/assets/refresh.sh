#!/usr/bin/env bash
# Re-downloads the pinned ECharts release through npm and checks it against
# echarts.min.js.sha256 (the bundle every dashboard page inlines, so pages
# open from disk with no network).
#
#   dashboards/assets/refresh.sh            verify: fail if the registry's file differs
#   dashboards/assets/refresh.sh --update   rewrite echarts.min.js, LICENSE, NOTICE and the checksum
#   dashboards/assets/refresh.sh --update 5.6.1   move the pin to another version
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mode="verify"
if [ "${1:-}" = "--update" ]; then
  mode="update"
  shift
fi
version="${1:-$(tr -d '[:space:]' <"$here/ECHARTS_VERSION")}"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# npm checks the tarball against the registry's integrity hash while packing.
tarball="$(cd "$tmp" && npm pack --silent "echarts@${version}")"
tar -xzf "$tmp/$tarball" -C "$tmp" package/dist/echarts.min.js package/LICENSE package/NOTICE
fresh="$(cd "$tmp/package/dist" && sha256sum echarts.min.js)"

if [ "$mode" = "verify" ]; then
  if [ "$fresh" != "$(cat "$here/echarts.min.js.sha256")" ]; then
    echo "refresh.sh: echarts@${version} from npm does not match echarts.min.js.sha256" >&2
    exit 1
  fi
  if ! (cd "$here" && sha256sum --quiet -c echarts.min.js.sha256); then
    echo "refresh.sh: the committed echarts.min.js does not match echarts.min.js.sha256" >&2
    exit 1
  fi
  echo "echarts@${version}: committed bundle matches the npm release"
  exit 0
fi

cp "$tmp/package/dist/echarts.min.js" "$here/echarts.min.js"
cp "$tmp/package/LICENSE" "$here/LICENSE"
cp "$tmp/package/NOTICE" "$here/NOTICE"
echo "$fresh" >"$here/echarts.min.js.sha256"
echo "$version" >"$here/ECHARTS_VERSION"
echo "echarts@${version}: updated echarts.min.js ($(wc -c <"$here/echarts.min.js") bytes), LICENSE, NOTICE, checksum"
