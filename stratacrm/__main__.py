from stratacrm.cli import main

main()
