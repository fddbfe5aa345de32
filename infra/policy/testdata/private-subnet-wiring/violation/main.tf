module "network" {
  source = "../network"
}

module "service" {
  source             = "../service"
  private_subnet_ids = module.network.public_subnet_ids # want "refer to module.network.public_subnet_ids"
}
