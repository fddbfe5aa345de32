locals {
  environment = "dev"
  name        = "currency-api-${local.environment}"
}

module "network" {
  source = "../../modules/network"

  name                    = local.name
  az_count                = var.az_count
  nat_gateway_mode        = var.nat_gateway_mode
  flow_log_retention_days = var.log_retention_days
}

module "vpc_endpoints" {
  source = "../../modules/vpc-endpoints"

  name                    = local.name
  vpc_id                  = module.network.vpc_id
  vpc_cidr_block          = module.network.vpc_cidr_block
  private_subnet_ids      = module.network.private_subnet_ids
  private_route_table_ids = module.network.private_route_table_ids
  interface_endpoints     = var.interface_endpoints
}

module "ecr" {
  source = "../../modules/ecr"

  name                = local.name
  force_delete        = var.force_destroy
  pull_principal_arns = [module.service.execution_role_arn]
  push_principal_arns = [module.pipeline.codebuild_role_arn]
  enhanced_scanning   = var.enhanced_scanning
}

module "service" {
  source = "../../modules/service"

  name                = local.name
  vpc_id              = module.network.vpc_id
  private_subnet_ids  = module.network.private_subnet_ids
  image               = module.pipeline.image
  ecr_repository_arn  = module.ecr.repository_arn
  cpu_architecture    = var.cpu_architecture
  cpu                 = var.cpu
  memory              = var.memory
  desired_count       = var.desired_count
  min_capacity        = var.min_capacity
  max_capacity        = var.max_capacity
  fargate_spot_weight = var.fargate_spot_weight
  deletion_protection = var.deletion_protection
  log_retention_days  = var.log_retention_days
  container_environment = {
    RATES_PROVIDER = var.rates_provider
    LOG_LEVEL      = "info"
  }

  # The rotation function probes the listener as CloudFront reaches it.
  listener_client_security_group_ids = {
    origin-secret-rotation = module.rotation.security_group_id
  }

  # Tasks pull their image and ship their logs through the endpoints when
  # they exist; the ECS service (and only it) waits for them, so a first
  # deployment does not go through the NAT. A module-level depends_on here
  # would defer every data source of the module and break the first plan.
  network_dependency_ids = compact(concat(
    values(module.vpc_endpoints.interface_endpoint_ids),
    [module.vpc_endpoints.s3_gateway_endpoint_id],
  ))
}

# The delivery pipeline: a bundle uploaded to its bucket is tested, built,
# scanned, pushed and rolled out. The image the service runs comes from the
# pipeline's parameter (module.pipeline.image), so an apply never rolls a
# pipeline deployment back (infra/modules/pipeline/README.md).
module "pipeline" {
  source = "../../modules/pipeline"

  name                   = local.name
  ecr_repository_arn     = module.ecr.repository_arn
  ecr_repository_url     = module.ecr.repository_url
  cluster_name           = module.service.cluster_name
  service_name           = module.service.service_name
  task_definition_family = module.service.task_definition_family
  task_role_arn          = module.service.task_role_arn
  execution_role_arn     = module.service.execution_role_arn
  cpu_architecture       = var.cpu_architecture
  log_retention_days     = var.log_retention_days
  alarm_topic_arns       = [module.monitoring.sns_topic_arn]
  force_destroy          = var.force_destroy
  release_principal_arns = var.release_principal_arns
  enhanced_scanning      = module.ecr.enhanced_scanning
  bootstrap_bundle       = var.upload_bootstrap_bundle ? "${path.module}/../../../dist/currency-api-source.zip" : null
}

module "edge" {
  source = "../../modules/edge"
  providers = {
    aws           = aws
    aws.us_east_1 = aws.us_east_1
  }

  name                = local.name
  alb_arn             = module.service.alb_arn
  alb_dns_name        = module.service.alb_dns_name
  listener_arn        = module.service.listener_arn
  target_group_arn    = module.service.target_group_arn
  price_class         = var.price_class
  geo_restriction     = var.geo_restriction
  enable_waf          = var.enable_waf
  acm_certificate_arn = var.acm_certificate_arn
  aliases             = var.aliases
  route53_zone_id     = var.route53_zone_id
  force_destroy       = var.force_destroy
}

# Rotates the origin secret the edge module created: every rotation_days, and
# the first time minutes after the first apply, so the bootstrap value in
# this state soon stops being accepted (infra/modules/rotation/README.md).
module "rotation" {
  source = "../../modules/rotation"

  name                     = local.name
  package_path             = coalesce(var.rotation_package, "${path.module}/../../../dist/rotate-origin-secret.zip")
  secret                   = module.edge.origin_secret
  listener_rule_arn        = module.edge.forward_rule.arn
  distribution_arn         = module.edge.distribution_arn
  distribution_web_acl_arn = module.edge.web_acl_arn
  distribution_log_bucket  = module.edge.log_bucket
  alb_dns_name             = module.service.alb_dns_name
  alb_security_group_id    = module.service.alb_security_group_id
  vpc_id                   = module.network.vpc_id
  subnet_ids               = module.network.private_subnet_ids
  rotation_days            = var.origin_secret_rotation_days
  reserved_concurrency     = var.rotation_reserved_concurrency
  log_retention_days       = var.log_retention_days
  alarm_topic_arns         = [module.monitoring.sns_topic_arn]
}

module "monitoring" {
  source = "../../modules/monitoring"
  providers = {
    aws           = aws
    aws.us_east_1 = aws.us_east_1
  }

  name                    = local.name
  alarm_email             = var.alarm_email
  alb_arn_suffix          = module.service.alb_arn_suffix
  target_group_arn_suffix = module.service.target_group_arn_suffix
  cluster_name            = module.service.cluster_name
  service_name            = module.service.service_name
  distribution_id         = module.edge.distribution_id
  log_group_name          = module.service.log_group_name
  min_healthy_hosts       = var.min_capacity
}
