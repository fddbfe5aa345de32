variable "excluded_zone_ids" {
  type = list(string)
}

# Every zone of the region, use1-az3 included.
data "aws_availability_zones" "all" { # want "data.aws_availability_zones.all: exclude_zone_ids is missing"
  state = "available"
}

# The list of an older guide.
data "aws_availability_zones" "partial" { # want "does not exclude \"apne1-az3\", \"cac1-az3\""
  state            = "available"
  exclude_zone_ids = ["use1-az3", "usw1-az2"]
}

# Whatever the caller passes: not readable here.
data "aws_availability_zones" "passed" { # want "must be a list literal \\(or a local value holding one\\)"
  state            = "available"
  exclude_zone_ids = var.excluded_zone_ids
}
