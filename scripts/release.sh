#!/usr/bin/env bash
# release.sh ENV - build the source bundle and upload it to ENV's source
# bucket, which starts the delivery pipeline (S3 -> EventBridge -> CodeBuild
# runs the pipeline module's buildspec on the bundle). `make release ENV=dev`
# calls it. The uploader must be the identity that applies Terraform or one of
# the environment's release_principal_arns: the bucket denies everyone else.
#
# ENV is a folder under infra/environments. The bucket and key are that
# environment's Terraform outputs source_bucket and source_key, unless
# SOURCE_BUCKET and SOURCE_KEY are set.
#
# Environment:
#   DRY_RUN=1      list the bundle's files and the destination; upload nothing
#                  (needs neither the AWS CLI nor Terraform state)
#   SOURCE_BUCKET  bucket to upload to, instead of the Terraform output
#   SOURCE_KEY     object key to upload to, instead of the Terraform output
#   TF             terraform or tofu (default: whichever is installed, terraform first)
#   BUNDLE         where to write the zip (default dist/currency-api-source.zip)
set -euo pipefail
cd "$(dirname "$0")/.."

bundle=${BUNDLE:-dist/currency-api-source.zip}
dry_run=${DRY_RUN:-}
[[ $dry_run == 0 || $dry_run == false ]] && dry_run=""

envs=()
for d in infra/environments/*/; do
  d=${d%/}
  envs+=("${d##*/}")
done
env_name=${1:-}
valid=false
for e in "${envs[@]}"; do
  [[ $env_name == "$e" ]] && valid=true
done
if [[ $valid != true ]]; then
  echo "release: ENV='$env_name' is not an environment: use ENV=<name>, one of: ${envs[*]} (the folders under infra/environments)" >&2
  exit 2
fi

errors=$(mktemp)
trap 'rm -f "$errors"' EXIT

# lookup NAME OVERRIDE sets value to OVERRIDE, or else to the environment's
# Terraform output NAME. When that fails it sets reason and returns 1.
lookup() {
  local name=$1 tf=${TF:-}
  value=$2 reason=""
  [[ -n $value ]] && return 0
  if [[ -z $tf ]]; then
    tf=$(command -v terraform || command -v tofu || true)
  fi
  if [[ -z $tf ]]; then
    reason="neither terraform nor tofu is installed"
    return 1
  fi
  if ! command -v "$tf" >/dev/null; then
    reason="TF=$tf is not a command"
    return 1
  fi
  if value=$("$tf" -chdir="infra/environments/$env_name" output -no-color -raw "$name" 2>"$errors") && [[ -n $value ]]; then
    return 0
  fi
  reason="$(basename "$tf") output -raw $name in infra/environments/$env_name: $(grep -m1 -o 'Error: .*' "$errors" || echo "no value")"
  value=""
  return 1
}

# where NAME OVERRIDE VAR sets value like lookup; in a dry run a missing
# output becomes a placeholder, otherwise the run stops.
where() {
  local name=$1 var=$3
  lookup "$name" "$2" && return 0
  if [[ -n $dry_run ]]; then
    echo "release: dry run: no $name: $reason" >&2
    value="<$name of $env_name>"
    return 0
  fi
  echo "release: cannot tell where to upload: $reason (apply and init the environment, or pass $var=...)" >&2
  exit 1
}

where source_bucket "${SOURCE_BUCKET:-}" SOURCE_BUCKET
bucket=$value
where source_key "${SOURCE_KEY:-}" SOURCE_KEY
key=$value

if [[ -n $dry_run ]]; then
  go run ./cmd/release -dry-run -out "$bundle"
  echo "release: dry run: would write $bundle and upload it to s3://$bucket/$key (environment $env_name); nothing uploaded"
  exit 0
fi

if ! command -v aws >/dev/null; then
  echo "release: the AWS CLI (aws) is not installed; it uploads the bundle" >&2
  exit 1
fi
go run ./cmd/release -out "$bundle"
echo "release: uploading $bundle to s3://$bucket/$key (environment $env_name)"
version_id=$(aws s3api put-object --bucket "$bucket" --key "$key" --body "$bundle" \
  --checksum-algorithm SHA256 --query VersionId --output text)
if [[ -z $version_id || $version_id == None || $version_id == null ]]; then
  echo "release: uploaded, but S3 returned no version ID: versioning is off on bucket $bucket, and the pipeline needs it" >&2
  exit 1
fi
echo "release: uploaded s3://$bucket/$key, version $version_id"
# The build takes the newest bundle when it starts: this one, unless another
# upload follows before then. Its log names the version it took.
echo "release: EventBridge has started the CodeBuild project on this upload; the build logs its source version (this one: $version_id)"
if lookup codebuild_project_name ""; then
  echo "release: follow it with: aws codebuild list-builds-for-project --project-name $value --max-items 1"
fi
