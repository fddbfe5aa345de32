module "network" {
  source = "../network"
}

module "service" {
  source             = "../service"
  private_subnet_ids = module.network.private_subnet_ids
}
