#!/bin/sh
# Waits until the Temporal cluster answers `temporal operator cluster health` (SERVING), then
# registers Lockstep's namespace and its search attributes (SEARCH_ATTRIBUTES: "Name=Type ..."),
# creating only what is missing, so it is safe to run on every start. Runs in the admin-tools image.
set -eu
: "${TEMPORAL_ADDRESS:?}" "${NAMESPACE:?}" "${RETENTION:?}" "${SEARCH_ATTRIBUTES:?}"
DEADLINE_SECONDS=${DEADLINE_SECONDS:-300}

waited=0
until temporal operator cluster health --address "$TEMPORAL_ADDRESS" 2>/dev/null | grep -q SERVING; do
  if [ "$waited" -ge "$DEADLINE_SECONDS" ]; then
    echo "setup-namespace: the cluster at $TEMPORAL_ADDRESS is not SERVING after ${DEADLINE_SECONDS}s" >&2
    temporal operator cluster health --address "$TEMPORAL_ADDRESS" >&2 || true
    exit 1
  fi
  sleep 2
  waited=$((waited + 2))
done
echo "setup-namespace: the cluster at $TEMPORAL_ADDRESS is SERVING"

if temporal operator namespace describe --address "$TEMPORAL_ADDRESS" --namespace "$NAMESPACE" >/dev/null 2>&1; then
  echo "setup-namespace: namespace $NAMESPACE exists"
else
  temporal operator namespace create --address "$TEMPORAL_ADDRESS" --namespace "$NAMESPACE" --retention "$RETENTION"
  echo "setup-namespace: namespace $NAMESPACE created (retention $RETENTION)"
fi

# A new namespace reaches every frontend's cache within seconds: retry the listing until it answers.
waited=0
until existing=$(temporal operator search-attribute list --address "$TEMPORAL_ADDRESS" --namespace "$NAMESPACE" 2>&1); do
  if [ "$waited" -ge "$DEADLINE_SECONDS" ]; then
    echo "setup-namespace: cannot list the search attributes of $NAMESPACE: $existing" >&2
    exit 1
  fi
  sleep 2
  waited=$((waited + 2))
done
for pair in $SEARCH_ATTRIBUTES; do
  name=${pair%%=*}
  type=${pair#*=}
  if printf '%s\n' "$existing" | grep -qw "$name"; then
    echo "setup-namespace: search attribute $name exists"
  else
    temporal operator search-attribute create --address "$TEMPORAL_ADDRESS" --namespace "$NAMESPACE" --name "$name" --type "$type"
    echo "setup-namespace: search attribute $name ($type) created"
  fi
done
