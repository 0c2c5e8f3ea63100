"""Care plans: phases of visits, their pace, and the patients falling off them."""
