resource "aws_ssm_parameter" "image" {
  name           = "/api/image"
  type           = "String"
  insecure_value = "bootstrap"

  lifecycle {
    ignore_changes = [insecure_value]
  }
}

output "image" {
  description = "The image the pipeline deployed last."
  value       = aws_ssm_parameter.image.insecure_value
}
