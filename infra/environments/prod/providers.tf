locals {
  default_tags = {
    Project     = "currency-api"
    Environment = local.environment
    ManagedBy   = "terraform"
    Repository  = "currency-convertor-ecs/currency-api"
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = local.default_tags
  }
}

# CloudFront's WAF web ACLs, ACM certificates and metrics live in us-east-1.
provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"

  default_tags {
    tags = local.default_tags
  }
}
