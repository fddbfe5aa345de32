# prod: a NAT per AZ, tasks across three AZs, WAF and deletion protection on.
region              = "us-east-1"
az_count            = 3
nat_gateway_mode    = "per_az"
interface_endpoints = ["ecr.api", "ecr.dkr", "logs"]
cpu_architecture    = "ARM64"
cpu                 = 512
memory              = 1024
desired_count       = 2
min_capacity        = 2
max_capacity        = 6
deletion_protection = true
force_destroy       = false
log_retention_days  = 90
enable_waf          = true
price_class         = "PriceClass_All"
