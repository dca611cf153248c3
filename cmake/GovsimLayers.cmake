# Include roots of the layers. A layer's root is a generated directory holding one symbolic link,
# <root>/<dir> -> <source>/<dir>; a target sees `#include "<dir>/..."` only through the roots of the
# layers it links. The engine's root exposes engine/ alone, so `#include "models/..."` does not
# compile in engine/ (the `layers` test checks it).
function(govsim_include_root target scope dir)
  set(root ${PROJECT_BINARY_DIR}/include-roots/${target})
  cmake_path(GET dir PARENT_PATH parent)
  file(MAKE_DIRECTORY ${root}/${parent})
  file(CREATE_LINK ${PROJECT_SOURCE_DIR}/${dir} ${root}/${dir} SYMBOLIC)
  target_include_directories(${target} ${scope} $<BUILD_INTERFACE:${root}>)
endfunction()
