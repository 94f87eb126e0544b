#!/usr/bin/env bash
# Mints a development bearer token for the local API (Development environment only; production takes tokens from the
# OpenID Connect provider in Auth:Authority). See docs/security.md.
#
#   bash scripts/dev-token.sh ROLE USER-ID "Display Name" [TEAM]
#   ROLE: hotline | responder | drill-coordinator | supervisor | admin | purchaser  (several: comma-separated, e.g. hotline,supervisor)
#
#   TOKEN=$(bash scripts/dev-token.sh hotline desk-01 "Li Na")
#   curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:5080/api/v1/incidents
#
# The token is signed (HS256) with Auth:DevelopmentSigningKey from src/Incidents.Api/appsettings.Development.json
# (override with INCIDENTS_DEV_SIGNING_KEY), issuer incidents-dev, audience incidents-api, valid for
# INCIDENTS_DEV_TOKEN_HOURS hours (default 8). Needs only bash and openssl.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

usage() { echo "usage: $0 ROLE USER-ID \"Display Name\" [TEAM]   (ROLE: hotline|responder|drill-coordinator|supervisor|admin|purchaser|duty-manager)" >&2; exit 2; }
[[ $# -ge 3 && $# -le 4 ]] || usage
ROLES="$1"; USER_ID="$2"; NAME="$3"; TEAM="${4:-}"

for role in ${ROLES//,/ }; do
  case "$role" in hotline|responder|drill-coordinator|supervisor|admin|purchaser|duty-manager) ;; *) echo "unknown role '$role'" >&2; usage ;; esac
done
# Plain text only, so the claims need no JSON escaping.
[[ "$USER_ID" =~ ^[A-Za-z0-9._@-]{1,100}$ ]] || { echo "USER-ID: letters, digits and . _ @ - only (at most 100)" >&2; exit 2; }
[[ "$NAME" =~ ^[[:alnum:][:space:].\'-]{1,100}$ ]] || { echo "Display Name: letters, digits, spaces and . ' - only" >&2; exit 2; }
[[ -z "$TEAM" || "$TEAM" =~ ^[[:alnum:][:space:]._-]{1,100}$ ]] || { echo "TEAM: letters, digits, spaces and . _ - only" >&2; exit 2; }
command -v openssl >/dev/null || { echo "openssl is required (apt-get install openssl)" >&2; exit 1; }

KEY="${INCIDENTS_DEV_SIGNING_KEY:-$(sed -n 's/.*"DevelopmentSigningKey"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' \
  "$ROOT/src/Incidents.Api/appsettings.Development.json")}"
[[ -n "$KEY" ]] || { echo "No Auth:DevelopmentSigningKey in appsettings.Development.json; set INCIDENTS_DEV_SIGNING_KEY" >&2; exit 1; }

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }

NOW=$(date +%s)
EXP=$((NOW + ${INCIDENTS_DEV_TOKEN_HOURS:-8} * 3600))
ROLE_JSON=$(printf '"%s",' ${ROLES//,/ }); ROLE_JSON="[${ROLE_JSON%,}]"
TEAM_JSON=""; [[ -n "$TEAM" ]] && TEAM_JSON=",\"team\":\"$TEAM\""

HEADER=$(printf '{"alg":"HS256","typ":"JWT"}' | b64url)
PAYLOAD=$(printf '{"iss":"incidents-dev","aud":"incidents-api","sub":"%s","name":"%s","role":%s%s,"iat":%d,"nbf":%d,"exp":%d}' \
  "$USER_ID" "$NAME" "$ROLE_JSON" "$TEAM_JSON" "$NOW" "$NOW" "$EXP" | b64url)
SIGNATURE=$(printf '%s.%s' "$HEADER" "$PAYLOAD" | openssl dgst -sha256 -hmac "$KEY" -binary | b64url)
echo "$HEADER.$PAYLOAD.$SIGNATURE"
