variable "rotate" {
  type = bool
}

resource "aws_kms_key" "default" { # want "enable_key_rotation must be the literal true"
  description = "rotation is off by default"
}

resource "aws_kms_key" "off" { # want "enable_key_rotation must be the literal true"
  description         = "off"
  enable_key_rotation = false
}

resource "aws_kms_key" "variable" { # want "enable_key_rotation must be the literal true"
  description         = "up to the caller"
  enable_key_rotation = var.rotate
}
