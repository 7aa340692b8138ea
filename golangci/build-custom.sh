#!/usr/bin/env bash
# build-custom.sh OUTPUT [VERSION] builds golangci-lint VERSION (default
# below) with leakfix's module plugin, from this checkout, into OUTPUT.
# build-custom.sh --version [VERSION] prints the version such a build would
# print now ("golangci-lint has version ..."), which the tests compare with
# the binary they are given.
#
# It does by hand what "golangci-lint custom" does (its
# pkg/commands/internal/builder.go), without the git clone from GitHub that
# command starts with: golangci-lint's source comes from the Go module
# proxy (or the module cache), as any Go dependency does. A throwaway
# module holds golangci-lint's own cmd/golangci-lint/main.go and one more
# file with a blank import of the plugin; a replace directive points
# leakfix at this checkout.
set -euo pipefail

usage="usage: build-custom.sh OUTPUT [VERSION] | --version [VERSION]"
out=${1:?$usage}
version=${2:-v2.15.0}
leakfix=$(cd "$(dirname "$0")/.." && pwd)

# The version ends, as "golangci-lint custom" makes it, with a hash of the
# plugin's source: golangci-lint keys its cache of results by its version,
# so a build from changed leakfix sources must not reuse the results of
# the old one. The source is what the build compiles: the Go files (no
# tests, no test data) and the module files.
hash=$(cd "$leakfix" &&
	find . \( -name .git -o -name testdata \) -prune -o -type f \( -name '*.go' ! -name '*_test.go' -o -name go.mod -o -name go.sum \) -print0 |
	LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-12)
stamp=${version#v}-leakfix-$hash
if [ "$out" = --version ]; then
	echo "$stamp"
	exit 0
fi
case $out in /*) ;; *) out=$PWD/$out ;; esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

# Outside any module, "go mod download" fetches one module and says where
# its source is.
gcl=$(go mod download -json "github.com/golangci/golangci-lint/v2@$version" |
	sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -n "$gcl" ] || { echo "build-custom.sh: no source for golangci-lint $version" >&2; exit 1; }

cp "$gcl/cmd/golangci-lint/main.go" main.go
chmod u+w main.go
cat >plugins.go <<'GO'
package main

import _ "github.com/leakfix/leakfix/golangci"
GO
go mod init golangci-lint-leakfix >/dev/null 2>&1
go mod edit \
	-require="github.com/golangci/golangci-lint/v2@$version" \
	-require=github.com/leakfix/leakfix@v0.0.0 \
	-replace="github.com/leakfix/leakfix=$leakfix"
go mod tidy
# Editor plugins read the golangci-lint version from "golangci-lint
# --version" to choose their flags: it must start as golangci-lint's does.
go build -ldflags "-s -w -X 'main.version=$stamp' -X 'main.date=$(date -u +%Y-%m-%dT%H:%M:%SZ)'" -o "$out" .
