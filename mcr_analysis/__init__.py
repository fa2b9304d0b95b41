"""mcr_analysis: the Matriz de Convergencia Regional (MCR) workbench."""
