# dev: the cheapest shape that still exercises the real architecture.
region              = "us-east-1"
az_count            = 2
nat_gateway_mode    = "single"
interface_endpoints = ["ecr.api", "ecr.dkr", "logs"]
cpu_architecture    = "ARM64"
cpu                 = 256
memory              = 512
desired_count       = 1
min_capacity        = 1
max_capacity        = 2
deletion_protection = false
force_destroy       = true
log_retention_days  = 14
enable_waf          = false
price_class         = "PriceClass_100"
# dev alarms go to the topic only; subscribe with -var alarm_email=... if wanted.
require_alarm_subscriber = false
