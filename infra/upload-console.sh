#!/usr/bin/env bash
# Builds the web console (console/) and puts it on a deployed stack:
#
#   infra/upload-console.sh <stack-name>
#
# Reads the stack's outputs (ConsoleBucketName, ConsoleDistributionId, ConsoleClientId,
# ConsoleAuthorizeUrl, ConsoleTokenUrl, ConsoleUrl), builds the console with npm, writes
# dist/config.json (how to sign in), syncs dist/ to the bucket and invalidates the CloudFront
# cache. Needs the AWS CLI v2 with the stack's credentials and region (AWS_PROFILE, AWS_REGION),
# and Node.js with npm. Run it after every `sam deploy` that changes the console or its client.
set -euo pipefail

if [[ $# -ne 1 || -z "$1" ]]; then
  echo "usage: $0 <stack-name>" >&2
  exit 2
fi
stack=$1
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
console="$root/console"
dist="$console/dist"

# Every output of the stack, as "key<TAB>value" lines.
listing=$(aws cloudformation describe-stacks --stack-name "$stack" \
  --query 'Stacks[0].Outputs[].[OutputKey,OutputValue]' --output text)
declare -A output=()
while IFS=$'\t' read -r key value; do
  if [[ -n "$key" ]]; then output[$key]=$value; fi
done <<<"$listing"

need() {
  if [[ -z "${output[$1]:-}" ]]; then
    echo "upload-console: stack $stack has no output $1. $2" >&2
    exit 1
  fi
  printf '%s' "${output[$1]}"
}
bucket=$(need ConsoleBucketName "Is it deployed from this template.yaml?")
distribution=$(need ConsoleDistributionId "Is it deployed from this template.yaml?")
url=$(need ConsoleUrl "Is it deployed from this template.yaml?")
signin="With JwtIssuer, deploy with ConsoleClientId, ConsoleAuthorizeUrl and ConsoleTokenUrl."
client_id=$(need ConsoleClientId "$signin")
authorize_url=$(need ConsoleAuthorizeUrl "$signin")
token_url=$(need ConsoleTokenUrl "$signin")

echo "upload-console: building console/"
(cd "$console" && npm ci --no-audit --no-fund && npm run build)
if [[ ! -f "$dist/index.html" || ! -d "$dist/assets" ]]; then
  echo "upload-console: the build left no $dist/index.html and $dist/assets/" >&2
  exit 1
fi

# How the console signs in on this stack (read at start-up, never cached).
CLIENT_ID=$client_id AUTHORIZE_URL=$authorize_url TOKEN_URL=$token_url node -e '
  const { CLIENT_ID, AUTHORIZE_URL, TOKEN_URL } = process.env;
  const config = {
    apiBase: "/api",
    auth: {
      kind: "oidc",
      authorizeUrl: AUTHORIZE_URL,
      tokenUrl: TOKEN_URL,
      clientId: CLIENT_ID,
      scopes: ["openid", "crm/read", "crm/write", "crm/admin"],
      // Cognito ends its own session at /logout (the client lists the console as a logout URL).
      logoutUrl: AUTHORIZE_URL.endsWith("/oauth2/authorize")
        ? AUTHORIZE_URL.replace(/\/oauth2\/authorize$/, "/logout")
        : undefined,
    },
  };
  require("fs").writeFileSync(process.argv[1], JSON.stringify(config, null, 2) + "\n");
' "$dist/config.json"

# Hashed assets first, so the new index.html never names a file the bucket lacks. They never
# change under their name: cached for a year.
aws s3 sync "$dist/assets" "s3://$bucket/assets" --only-show-errors \
  --cache-control "public, max-age=31536000, immutable"
# Then the rest (index.html, config.json and any unhashed file): revalidated on every load.
# --delete removes what the build no longer has, apart from the assets.
aws s3 sync "$dist" "s3://$bucket" --delete --only-show-errors --exclude "assets/*" \
  --cache-control "no-cache"
# Finally the assets of earlier builds.
aws s3 sync "$dist/assets" "s3://$bucket/assets" --delete --only-show-errors \
  --cache-control "public, max-age=31536000, immutable"

invalidation=$(aws cloudfront create-invalidation --distribution-id "$distribution" \
  --paths "/*" --query Invalidation.Id --output text)
echo "upload-console: uploaded to s3://$bucket; CloudFront invalidation $invalidation under way"
echo "upload-console: the console is at $url"
