variable "kms_key_arn" {
  type = string
}

resource "aws_ecr_repository" "defaults" { # want "image_tag_mutability must be \"IMMUTABLE\"" # want "scan_on_push = true } is missing" # want "encryption_configuration must set"
  name = "defaults"
}

resource "aws_ecr_repository" "weak" { # want "image_tag_mutability must be" # want "scan_on_push = true } is missing" # want "encryption_configuration must set"
  name                 = "weak"
  image_tag_mutability = "MUTABLE"

  image_scanning_configuration {
    scan_on_push = false
  }

  encryption_configuration {
    encryption_type = "AES256"
  }
}

resource "aws_ecr_repository" "foreign_key" { # want "kms_key to an aws_kms_key of this module"
  name                 = "foreign-key"
  image_tag_mutability = "IMMUTABLE"

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = var.kms_key_arn
  }
}
