locals {
  vpc_origin_unsupported_zone_ids = ["use1-az3", "usw1-az2", "apne1-az3", "cac1-az3"]
}

data "aws_availability_zones" "available" {
  state            = "available"
  exclude_zone_ids = local.vpc_origin_unsupported_zone_ids

  filter {
    name   = "opt-in-status"
    values = ["opt-in-not-required"]
  }
}

# Written out, with one more zone excluded for another reason.
data "aws_availability_zones" "written_out" {
  state            = "available"
  exclude_zone_ids = ["cac1-az3", "apne1-az3", "usw1-az2", "use1-az3", "use1-az6"]
}
