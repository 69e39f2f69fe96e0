# Tests of the torch-free safetensors and checkpoint-index code in reasonrl_text. Included from
# tests/model/CMakeLists.txt, so reasonrl_add_test (tests/CMakeLists.txt) is defined.
reasonrl_add_test(NAME safetensors_format_test
                  SOURCES ${CMAKE_CURRENT_LIST_DIR}/safetensors_format_test.cc
                  LIBS reasonrl_text GTest::gtest_main)
reasonrl_add_test(NAME checkpoint_index_test
                  SOURCES ${CMAKE_CURRENT_LIST_DIR}/checkpoint_index_test.cc
                  LIBS reasonrl_text GTest::gtest_main)
