# The layer table of DESIGN.md, enforced by the build.
#
# Each layer may use the layers before it in MEMDB_LAYERS, never one after it. Every layer's
# headers -- public (include/memdb/<layer>/) and internal (src/<layer>/) -- are reachable only
# through a directory of its own in the build tree (build/layers/<layer>/, symbolic links to
# the sources), published by the INTERFACE target memdb_<layer>_headers. A target that links the
# headers of the layers it may use, and no others, fails to compile when one of its files
# includes a header of a later layer: "No such file or directory" at the offending #include.
set(MEMDB_LAYERS util io wal mvcc snapshot db fault sim scenario testing cli)
# The engine: the layers compiled into memdb::memdb.
set(MEMDB_ENGINE_LAYERS util io wal mvcc snapshot db)

# A symbolic link `link` -> `target`, made once (CMake cannot replace a link to a directory).
function(_memdb_link target link)
  if(EXISTS ${target} AND NOT IS_SYMLINK ${link})
    file(CREATE_LINK ${target} ${link} SYMBOLIC)
  endif()
endfunction()

function(memdb_stage_layer_headers layer)
  set(stage ${PROJECT_BINARY_DIR}/layers/${layer})
  file(MAKE_DIRECTORY ${stage}/include/memdb ${stage}/src)
  _memdb_link(${PROJECT_SOURCE_DIR}/include/memdb/${layer} ${stage}/include/memdb/${layer})
  _memdb_link(${PROJECT_SOURCE_DIR}/src/${layer} ${stage}/src/${layer})
  add_library(memdb_${layer}_headers INTERFACE)
  target_include_directories(memdb_${layer}_headers INTERFACE ${stage}/include ${stage}/src)
endfunction()

foreach(_layer IN LISTS MEMDB_LAYERS)
  memdb_stage_layer_headers(${_layer})
endforeach()
# include/memdb/memdb.h, the engine in one include, belongs to the engine's last layer.
_memdb_link(${PROJECT_SOURCE_DIR}/include/memdb/memdb.h
            ${PROJECT_BINARY_DIR}/layers/db/include/memdb/memdb.h)

# memdb_layer_sees(<target> <layer> [<scope>]): `target` implements `layer` and sees the headers
# of that layer and of every engine layer before it (later layers add what they link).
function(memdb_layer_sees target layer)
  set(scope PRIVATE)
  if(ARGC GREATER 2)
    set(scope ${ARGV2})
  endif()
  list(FIND MEMDB_LAYERS ${layer} rank)
  if(rank LESS 0)
    message(FATAL_ERROR "memdb: '${layer}' is not a layer (${MEMDB_LAYERS})")
  endif()
  foreach(_layer IN LISTS MEMDB_ENGINE_LAYERS)
    list(FIND MEMDB_LAYERS ${_layer} _rank)
    if(_rank LESS rank)
      target_link_libraries(${target} ${scope} $<BUILD_INTERFACE:memdb_${_layer}_headers>)
    endif()
  endforeach()
  target_link_libraries(${target} ${scope} $<BUILD_INTERFACE:memdb_${layer}_headers>)
endfunction()
