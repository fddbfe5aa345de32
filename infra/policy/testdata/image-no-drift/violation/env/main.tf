variable "image" {
  type = string
}

variable "image_tag" {
  type = string
}

module "pipeline" {
  source             = "../modules/pipeline"
  ecr_repository_url = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/api"
}

module "drifting" {
  source = "../modules/drifting"
}

module "remote" {
  source  = "terraform-aws-modules/pipeline/aws"
  version = "~> 1.0"
}

module "service_literal" {
  source = "../../service"
  image  = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:1.0.0" # want "module.service_literal.image is the literal \"123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:1.0.0\", not an output of the pipeline module.*the next terraform apply would roll the service back to the image Terraform last saw"
}

module "service_var" {
  source = "../../service"
  image  = var.image # want "module.service_var.image is built from var.image, not an output"
}

module "service_tag" {
  source = "../../service"
  image  = "${module.pipeline.repository_url}:${var.image_tag}" # want "module.service_tag.image is built from module.pipeline.repository_url, var.image_tag, not an output"
}

module "service_repository" {
  source = "../../service"
  image  = module.pipeline.repository_url
}

module "service_missing_output" {
  source = "../../service"
  image  = module.pipeline.deployed_image # want "module.service_missing_output.image reads module.pipeline.deployed_image, but .*modules/pipeline has no output \"deployed_image\""
}

module "service_uncalled" {
  source = "../../service"
  image  = module.nowhere.image # want "reads module.nowhere.image, but this module does not call module.nowhere"
}

module "service_remote" {
  source = "../../service"
  image  = module.remote.image # want "module.remote comes from \"terraform-aws-modules/pipeline/aws\", not a local directory, so it cannot be checked"
}

module "service_drifting_image" {
  source = "../../service"
  image  = module.drifting.image
}

module "service_drifting_tag" {
  source = "../../service"
  image  = module.drifting.tag
}

module "service_drifting_digest" {
  source = "../../service"
  image  = module.drifting.digest
}

# A second reader of the same output: its findings are reported once.
module "canary_drifting_image" {
  source = "../../service"
  image  = module.drifting.image
}
