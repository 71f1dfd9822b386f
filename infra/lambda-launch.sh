#!/bin/bash
# The AWS_LAMBDA_EXEC_WRAPPER of every Codegate function: infra/service-function.ts copies it into each
# bundle as launch.sh. The Lambda Node.js runtime's bootstrap starts the function as
#
#   launch.sh /var/lang/bin/node --expose-gc --max-http-header-size 81920 \
#     --max-semi-space-size=<MB / 20> --max-old-space-size=<MB - MB / 10> /var/runtime/index.mjs
#
# At 256 MB that is a 12 MB semi-space, which V8 rounds up to 16: a young generation of up to 32 MB
# that V8 keeps growing into for thousands of invocations, although a Codegate request leaves well under
# 1 MB alive. This starts Node with every argument the bootstrap gave but the semi-space size, and with
# a 4 MB semi-space instead (docs/architecture.md, "Memory": the measurements behind the number).
# The bootstrap's flags are on Node's command line, where NODE_OPTIONS cannot override them.
node="$1"
shift
args=()
for arg in "$@"; do
  case "$arg" in
    --max-semi-space-size=* | --max_semi_space_size=*) ;;
    *) args+=("$arg") ;;
  esac
done
exec "$node" --max-semi-space-size=4 "${args[@]}"
