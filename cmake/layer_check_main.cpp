// The main of kcsim_layer_check_<layer> (CMakeLists.txt): linking one layer's whole archive with
// only the layers below it proves that the layer calls nothing above it.
int main() { return 0; }
