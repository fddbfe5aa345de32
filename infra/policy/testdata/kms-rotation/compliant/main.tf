resource "aws_kms_key" "this" {
  description         = "logs"
  enable_key_rotation = true
}
