# State lives in S3 with S3-native locking (use_lockfile, Terraform >= 1.10 /
# OpenTofu >= 1.10): no DynamoDB table. The bucket, key and region are given at
# init time, so one configuration serves any account:
#
#   terraform init -backend-config="bucket=<state-bucket>" \
#     -backend-config="key=currency-api/prod.tfstate" -backend-config="region=<region>"
terraform {
  backend "s3" {
    use_lockfile = true
    encrypt      = true
  }
}
