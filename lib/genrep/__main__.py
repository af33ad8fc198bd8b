from genrep.cli import main

raise SystemExit(main())
