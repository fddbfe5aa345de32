# Must FAIL validate: "bukket" is not an argument of aws_s3_bucket.
resource "aws_s3_bucket" "logs" {
  bukket = "currency-api-alb-logs"
}
