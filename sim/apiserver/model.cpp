#include "kcsim/apiserver/model.hpp"

namespace kcsim {

Model::Model(World& world, std::string name)
    : world_(world), name_(std::move(name)), rng_(world.stream(name_)) {}

namespace {
std::map<std::string, ModelFactory>& registry() {
  static std::map<std::string, ModelFactory> models;
  return models;
}
}  // namespace

void ModelRegistry::add(const char* name, ModelFactory factory) { registry()[name] = factory; }

const std::map<std::string, ModelFactory>& ModelRegistry::all() { return registry(); }

}  // namespace kcsim
