#!/usr/bin/env bash
# Prints an access token of a demo account of the embedded federation, obtained the way a browser
# does it: authorization endpoint → login page → code → token (with PKCE). For trying the APIs by hand:
#
#   TOKEN=$(scripts/token.sh researcher)
#   curl -H "Authorization: Bearer $TOKEN" localhost:8080/api/access-requests
#
# Usage: scripts/token.sh USER [BASE_URL] [DATA_DIRECTORY]   (defaults: http://127.0.0.1:8080, ./data)
# Needs curl and openssl. Demo accounts exist only when the identity role seeded them
# (embedded default); their passwords are in DATA_DIRECTORY/demo-credentials.json.
set -euo pipefail

user=${1:?usage: scripts/token.sh USER [BASE_URL] [DATA_DIRECTORY]}
base=${2:-http://127.0.0.1:8080}
data=${3:-data}
credentials="$data/demo-credentials.json"
[[ -r $credentials ]] || { echo "token.sh: $credentials not found (is the embedded federation running from this directory?)" >&2; exit 2; }

# The file is written by the federation with one field per line; no JSON tool needed.
field() { grep -o "\"$1\": *\"[^\"]*\"" | head -1 | sed 's/.*: *"\(.*\)"/\1/'; }
password=$(grep -A2 "\"userName\": \"$user\"" "$credentials" | field password || true)
[[ -n $password ]] || { echo "token.sh: no demo user '$user' in $credentials" >&2; exit 2; }
client=$(field portalClientId <"$credentials")
redirect=$(field portalRedirectUri <"$credentials")

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
urlencode() { local s=$1 out= c i; for ((i = 0; i < ${#s}; i++)); do c=${s:i:1}; case $c in [a-zA-Z0-9.~_-]) out+=$c ;; *) printf -v c '%%%02X' "'$c"; out+=$c ;; esac; done; echo "$out"; }
verifier=$(openssl rand 32 | b64url)
challenge=$(printf '%s' "$verifier" | openssl dgst -sha256 -binary | b64url)
jar=$(mktemp)
trap 'rm -f "$jar"' EXIT
scope="openid profile offline_access access audit discovery compute consent node identity.admin"

authorize="$base/connect/authorize?client_id=$client&response_type=code&redirect_uri=$(urlencode "$redirect")&scope=$(urlencode "$scope")&code_challenge=$challenge&code_challenge_method=S256&state=cli"
login=$(curl -sS -c "$jar" -b "$jar" -o /dev/null -w '%{redirect_url}' "$authorize")
page=$(curl -sS -c "$jar" -b "$jar" "$login")
hidden() { grep -o "name=\"$1\" value=\"[^\"]*\"" <<<"$page" | sed 's/.*value="\(.*\)"/\1/' | sed 's/&amp;/\&/g;s/&#x2B;/+/g;s/&#x2F;/\//g;s/&#x3D;/=/g'; }
back=$(curl -sS -c "$jar" -b "$jar" -o /dev/null -w '%{redirect_url}' \
  --data-urlencode "__RequestVerificationToken=$(hidden __RequestVerificationToken)" \
  --data-urlencode "returnUrl=$(hidden returnUrl)" \
  --data-urlencode "username=$user" --data-urlencode "password=$password" "$base/account/login")
[[ $back == *connect/authorize* ]] || { echo "token.sh: login as $user failed" >&2; exit 1; }
callback=$(curl -sS -c "$jar" -b "$jar" -o /dev/null -w '%{redirect_url}' "$back")
code=$(sed -n 's/.*[?&]code=\([^&]*\).*/\1/p' <<<"$callback")
[[ -n $code ]] || { echo "token.sh: no code in $callback" >&2; exit 1; }
curl -sS "$base/connect/token" -d grant_type=authorization_code -d "client_id=$client" \
  --data-urlencode "redirect_uri=$redirect" --data-urlencode "code=$code" -d "code_verifier=$verifier" |
  field access_token
