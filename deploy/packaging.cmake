# What `cmake --install` puts where Debian expects it, and the Debian packages CPack makes of it
# (deploy/package.sh):
#   stapel-hub      stapel-hub, stapel-request, the hub's systemd unit and user; depends on
#                   stapel-officer for stapel-audit and stapel-report
#   stapel-agent    stapel-agent, stapel-ceremony, stapel-keys, the agent's unit, timer and user
#                   (a party needs neither RocksDB nor GLPK)
#   stapel-officer  stapel-audit, stapel-report
# Each declares the Debian libraries its programs link (dpkg-shlibdeps). Configuration goes in
# /etc/stapel/<project or party>/ (examples under /usr/share/doc/<package>/examples), state in
# /var/lib/stapel/<project> (the units' StateDirectory).
include(GNUInstallDirs)

set(stapel_components hub agent officer)
set(stapel_programs_hub stapel-hub stapel-request)
set(stapel_programs_agent stapel-agent stapel-ceremony stapel-keys)
set(stapel_programs_officer stapel-audit stapel-report)
set(stapel_units_hub deploy/systemd/stapel-hub@.service)
set(stapel_units_agent deploy/systemd/stapel-agent@.service deploy/systemd/stapel-agent@.timer)
set(stapel_examples_hub hub.toml manifest.toml requester.toml request-wmo-adults.toml)
set(stapel_examples_agent agent-municipality.toml agent-housing.toml agent-credit.toml)
set(stapel_examples_officer manifest.toml)

# Debian keeps changelogs gzipped.
configure_file(deploy/debian/changelog ${PROJECT_BINARY_DIR}/changelog.Debian COPYONLY)
file(ARCHIVE_CREATE OUTPUT ${PROJECT_BINARY_DIR}/changelog.Debian.gz
     PATHS ${PROJECT_BINARY_DIR}/changelog.Debian FORMAT raw COMPRESSION GZip
     COMPRESSION_LEVEL 9)

foreach(component IN LISTS stapel_components)
  set(doc ${CMAKE_INSTALL_DATAROOTDIR}/doc/stapel-${component})
  install(TARGETS ${stapel_programs_${component}} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
          COMPONENT ${component})
  install(FILES README.md docs/threat-model.md docs/operations.md deploy/debian/copyright
          DESTINATION ${doc} COMPONENT ${component})
  install(FILES ${PROJECT_BINARY_DIR}/changelog.Debian.gz DESTINATION ${doc}
          COMPONENT ${component})
  list(TRANSFORM stapel_examples_${component} PREPEND deploy/examples/
       OUTPUT_VARIABLE examples)
  install(FILES ${examples} DESTINATION ${doc}/examples COMPONENT ${component})
  if(stapel_units_${component})
    install(FILES ${stapel_units_${component}} DESTINATION lib/systemd/system
            COMPONENT ${component})
    install(FILES deploy/systemd/stapel-${component}.sysusers DESTINATION lib/sysusers.d
            RENAME stapel-${component}.conf COMPONENT ${component})
    install(DIRECTORY DESTINATION /etc/stapel COMPONENT ${component})
  endif()
endforeach()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME stapel)
set(CPACK_PACKAGE_VENDOR "the Stapel team")
set(CPACK_PACKAGE_CONTACT "Stapel team <stapel@example.org>")
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL ${stapel_components})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_HUB_PACKAGE_NAME stapel-hub)
set(CPACK_DEBIAN_AGENT_PACKAGE_NAME stapel-agent)
set(CPACK_DEBIAN_OFFICER_PACKAGE_NAME stapel-officer)
set(CPACK_DEBIAN_HUB_PACKAGE_DEPENDS
    "stapel-officer (= ${PROJECT_VERSION}-${CPACK_DEBIAN_PACKAGE_RELEASE}), systemd")
set(CPACK_DEBIAN_AGENT_PACKAGE_DEPENDS "systemd")
set(CPACK_COMPONENT_HUB_DESCRIPTION
    "Stapel trusted hub\nLinks the pseudonymized records of a project's parties, releases\n"
    "disclosure-checked neighbourhood tables and writes every release to a\n"
    "signed, append-only log. With stapel-request for requesters.")
set(CPACK_COMPONENT_AGENT_DESCRIPTION
    "Stapel party agent\nPseudonymizes a party's export on its premises and sends it to the\n"
    "hub over mutual TLS; with the key ceremony and the project's key tools.")
set(CPACK_COMPONENT_OFFICER_DESCRIPTION
    "Stapel privacy officer's tools\nVerifies a hub's release log (signatures, hash chain,\n"
    "disclosure audit) and draws the stacking map of a release.")
set(CPACK_DEBIAN_HUB_PACKAGE_CONTROL_EXTRA ${PROJECT_SOURCE_DIR}/deploy/debian/hub/postinst)
set(CPACK_DEBIAN_AGENT_PACKAGE_CONTROL_EXTRA ${PROJECT_SOURCE_DIR}/deploy/debian/agent/postinst)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
include(CPack)
